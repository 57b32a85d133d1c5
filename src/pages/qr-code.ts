/** @module A QR code of a URL as a standalone SVG (lean-qr: no dependency, no canvas, runs in workerd). */
import { correction, generate } from 'lean-qr';
import { toSvgSource } from 'lean-qr/extras/svg';

/**
 * The SVG of a QR code that encodes `url`, black on white with the 4-module quiet zone the QR
 * standard asks for. Level M survives a print smudge and stays small for a URL.
 *
 * @example qrCodeSvg('https://badges.example.org/assertions/demo-valid') // '<?xml …><svg …>'
 */
export function qrCodeSvg(url: string): string {
  const code = generate(url, { minCorrectionLevel: correction.M });
  return toSvgSource(code, { on: '#000', off: '#fff', pad: 4, width: 256, height: 256, xmlDeclaration: true });
}
