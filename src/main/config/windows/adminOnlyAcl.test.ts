import { describe, expect, it } from 'vitest';
import { SDDL } from '../../../../test/fakes/recordedWindows';
import { adminOnlyProblems } from './adminOnlyAcl';
import { parseSddl } from './sddl';

const LOCKED = 'O:BAD:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)';

describe('adminOnlyProblems: folders and files as Windows leaves them', () => {
  it('refuses a folder created under ProgramData with its default permissions, where Users may add files and CREATOR OWNER gets full control', () => {
    expect(adminOnlyProblems(SDDL.defaultFolder)).toEqual([
      'lets CREATOR OWNER (S-1-3-0) change it (A;OICIIOID;GA;;;CO)',
      'lets Users (S-1-5-32-545) change it (A;CIID;DCLCRPCR;;;BU)',
    ]);
  });

  it('accepts the folder and file once IT has locked them down', () => {
    expect(adminOnlyProblems(SDDL.lockedDownFolder)).toEqual([]);
    expect(adminOnlyProblems(SDDL.lockedDownFile)).toEqual([]);
  });

  it("refuses a folder a clinician created, and a file a clinician owns, even when the entries look right", () => {
    expect(adminOnlyProblems(SDDL.clinicianFolder)).toContain(`is owned by ${SDDL.clinicianSid}, not by Administrators, SYSTEM or TrustedInstaller`);
    expect(adminOnlyProblems(SDDL.clinicianFolder)).toContain(`lets ${SDDL.clinicianSid} change it (A;ID;FA;;;${SDDL.clinicianSid})`);
    expect(adminOnlyProblems(SDDL.clinicianFile)).toEqual([`is owned by ${SDDL.clinicianSid}, not by Administrators, SYSTEM or TrustedInstaller`]);
  });

  it('accepts a file owned by TrustedInstaller or SYSTEM, read-only for everyone else', () => {
    expect(adminOnlyProblems(SDDL.trustedInstallerFile)).toEqual([]);
    expect(adminOnlyProblems('O:SYD:(A;;FA;;;SY)(A;;FR;;;WD)')).toEqual([]);
    expect(adminOnlyProblems('O:S-1-5-32-544G:S-1-5-18D:P(A;;FA;;;S-1-5-32-544)(A;;GR;;;AU)')).toEqual([]);
  });
});

describe('adminOnlyProblems: every kind of write right', () => {
  it.each([
    ['full control', '(A;;FA;;;BU)'],
    ['file write', '(A;;FW;;;AU)'],
    ['generic write', '(A;;GW;;;WD)'],
    ['generic all', '(A;;GA;;;IU)'],
    ['Modify as a hex mask', '(A;;0x1301bf;;;BU)'],
    ['write data alone, in hex', '(A;;0x2;;;BU)'],
    ['append alone, in hex', '(A;;0x4;;;BU)'],
    ['append as a folder right (add subfolder)', '(A;;LC;;;BU)'],
    ['write attributes', '(A;;0x100;;;BU)'],
    ['write extended attributes', '(A;;RP;;;BU)'],
    ['delete', '(A;;SD;;;BU)'],
    ['delete child', '(A;;DT;;;BU)'],
    ['change permissions', '(A;;WD;;;BU)'],
    ['take ownership', '(A;;WO;;;BU)'],
    ['maximum allowed', '(A;;0x2000000;;;BU)'],
    ['a write right in decimal', '(A;;2;;;BU)'],
    ['an object allow entry', '(OA;;FA;;;BU)'],
    ['a conditional entry, parentheses inside its quoted condition', '(XA;;FA;;;BU;(WIN://SYSAPPID Contains "Contoso (x)"))'],
    ['an inherit-only entry, carried by files created later', '(A;OICIIO;FA;;;BU)'],
    ['a domain user', '(A;;FA;;;S-1-5-21-1-2-3-1104)'],
  ])('refuses %s for anyone but Administrators, SYSTEM and TrustedInstaller', (_label, entry) => {
    expect(adminOnlyProblems(LOCKED + entry)).toEqual([expect.stringMatching(/^lets .* change it \(/)]);
  });

  it('accepts read, execute and read-permission rights for others, and ignores deny entries', () => {
    expect(adminOnlyProblems(`${LOCKED}(A;;FR;;;WD)(A;;FX;;;AU)(A;;0x1200a9;;;IU)(A;;GRGX;;;BU)(A;;RC;;;AN)(D;;FA;;;BG)`)).toEqual([]);
  });

  it('refuses a file without an access list, which Windows opens to everyone', () => {
    expect(adminOnlyProblems('O:BAD:NO_ACCESS_CONTROL')).toEqual(['has no access list, so everyone may change it']);
    expect(adminOnlyProblems('O:BA')).toEqual(['has no access list, so everyone may change it']);
  });

  it.each([
    ['an empty answer', ''],
    ['a right it does not know', 'O:BAD:(A;;QQ;;;BU)'],
    ['an entry type it does not know', 'O:BAD:(Q;;FA;;;BU)'],
    ['an unclosed entry', 'O:BAD:(A;;FA;;;BU'],
    ['trailing text', `${LOCKED}junk`],
    ['a repeated owner', 'O:BAO:SYD:(A;;FA;;;BA)'],
    ['a mandatory label in the access list', 'O:BAD:(ML;;NW;;;LW)'],
  ])('refuses SDDL it cannot fully read: %s', (_label, sddl) => {
    expect(adminOnlyProblems(sddl)[0]).toMatch(/^(has permissions the app cannot read|is owned by no one|has an access entry the app does not expect)/);
  });
});

describe('parseSddl', () => {
  it('reads owner and entries from the form Get-Acl prints, group and audit list included', () => {
    const parsed = parseSddl(`${SDDL.programData.replace('O:SYD:', 'O:SYG:SYD:')}S:AI(AU;SA;FA;;;WD)`);
    expect(parsed.owner).toBe('S-1-5-18');
    expect(parsed.dacl?.map((entry) => [entry.type, entry.flags.join(''), entry.mask, entry.sid])).toEqual([
      ['A', 'OICIIO', 0x1000_0000, 'S-1-3-0'],
      ['A', 'OICI', 0x1f01ff, 'S-1-5-18'],
      ['A', 'OICI', 0x1f01ff, 'S-1-5-32-544'],
      ['A', 'OICI', 0x1200a9, 'S-1-5-32-545'],
      ['A', 'CI', 0x116, 'S-1-5-32-545'],
    ]);
  });

  it('reads a mask with the high bit set as unsigned', () => {
    expect(parseSddl('O:BAD:(A;;0x80000000;;;BU)').dacl?.[0]?.mask).toBe(0x8000_0000);
  });
});
