/**
 * The one Content Security Policy: scripts and styles only from the app
 * itself, no inline script, no eval, nothing from the network.
 */
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** For a `<meta http-equiv>` tag (frame-ancestors is not allowed there). */
export const CSP_META = DIRECTIVES.join('; ');

/** For an HTTP header. */
export const CSP = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');
