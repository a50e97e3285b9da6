/**
 * How pulled records go to the page: in deliveries of up to {@link MAX_RECORDS_PER_DELIVERY} records (the page writes
 * each in one transaction, so an initial sync of hundreds of records costs a few transactions, not one per 8), cut
 * earlier once their ciphertext would pass {@link MAX_DELIVERY_CIPHERTEXT_CHARS}, so a run of long turns does not
 * become one huge IPC message.
 */
import { MAX_RECORDS_PER_DELIVERY, type SealedRecordV2 } from '../../../shared/vault';

/** Ciphertext characters after which a delivery is cut (a single larger record still goes, alone). */
export const MAX_DELIVERY_CIPHERTEXT_CHARS = 4_000_000;

/** `records` in delivery order, cut into deliveries; see the file's comment. */
export function pulledDeliveries(records: readonly SealedRecordV2[]): SealedRecordV2[][] {
  const deliveries: SealedRecordV2[][] = [];
  let current: SealedRecordV2[] = [];
  let chars = 0;
  for (const record of records) {
    if (current.length > 0 && (current.length >= MAX_RECORDS_PER_DELIVERY || chars + record.ct.length > MAX_DELIVERY_CIPHERTEXT_CHARS)) {
      deliveries.push(current);
      current = [];
      chars = 0;
    }
    current.push(record);
    chars += record.ct.length;
  }
  if (current.length > 0) deliveries.push(current);
  return deliveries;
}
