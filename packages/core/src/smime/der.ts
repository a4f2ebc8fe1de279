/**
 * Joining already-encoded DER elements under a new constructed element. Signing reuses the
 * encoding of everything that does not change between messages (certificates, algorithm
 * identifiers, fixed attributes); decoding those into asn1js trees only to encode them again
 * on every signature cost several times the RSA signature itself.
 */
import * as asn1js from 'asn1js';

/** ASN.1 tag classes as asn1js numbers them. */
export const TAG_CLASS = Object.freeze({ universal: 1, context: 3 });
/** Universal tag numbers used here. */
export const TAG = Object.freeze({ sequence: 16, set: 17 });

/**
 * DER of a constructed element with the given tag whose contents are `parts`, each already a
 * DER element, concatenated in order. asn1js writes the identifier and the (definite, minimal)
 * length; the contents are copied byte for byte.
 */
export function constructed(tagClass: number, tagNumber: number, parts: readonly Uint8Array[]): Uint8Array {
  const block = new asn1js.Primitive({ idBlock: { tagClass, tagNumber }, valueHex: Buffer.concat(parts) });
  // A primitive block carries raw contents; marking it constructed gives the identifier octet
  // of a SEQUENCE, SET or [n] without asn1js decoding the parts.
  block.idBlock.isConstructed = true;
  return new Uint8Array(block.toBER(false));
}

/** DER of an asn1js block or of a pkijs object. */
export function encode(value: asn1js.BaseBlock | { toSchema(): asn1js.BaseBlock }): Uint8Array {
  const block = value instanceof asn1js.BaseBlock ? value : value.toSchema();
  return new Uint8Array(block.toBER(false));
}
