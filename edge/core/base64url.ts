// base64url without padding (RFC 4648 §5) over btoa/atob, which every runtime here has (Node, Workers, browsers);
// Node's Buffer 'base64url' is not in Workers or browsers, and the few lines do not merit a dependency.

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
