/**
 * A URL with its credentials masked, for logs and error messages: everything between the scheme
 * and the last `@` (user info, even when it holds a raw `@` or `/`) becomes `***`.
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, (_all, scheme: string | undefined) => {
    return `${scheme ?? ''}***@`;
  });
}
