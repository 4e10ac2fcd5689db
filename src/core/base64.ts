/** Bytes as base64 text and back (atob/btoa work on binary strings, not bytes). */

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // In chunks: spreading a whole large array into fromCharCode overflows the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of base64 text; throws atob's error for text that is not base64. */
export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
