/** Props of {@link ErrorAlert}. */
export interface ErrorAlertProps {
  /** Main's message (or the form's), shown as is; nothing renders when null. */
  message: string | null;
}

/** An error announced to assistive technology (`role="alert"`). One per view, so it is never ambiguous. */
export function ErrorAlert({ message }: ErrorAlertProps) {
  if (message === null) return null;
  return (
    <div className="alert" role="alert">
      {message}
    </div>
  );
}
