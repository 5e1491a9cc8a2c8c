/**
 * Messages may mark words in bold with <b>…</b> (the only markup the catalogue uses), so a
 * translation can move the emphasis with the words. Parsed into plain segments: never HTML.
 */
export interface RichSegment {
  text: string;
  isBold: boolean;
}

/** "a <b>b</b> c" → [{a, plain}, {b, bold}, {c, plain}]; an unclosed <b> runs to the end. */
export function richSegments(message: string): RichSegment[] {
  const segments: RichSegment[] = [];
  let isBold = false;
  for (const part of message.split(/(<\/?b>)/)) {
    if (part === '<b>') isBold = true;
    else if (part === '</b>') isBold = false;
    else if (part !== '') segments.push({ text: part, isBold });
  }
  return segments;
}
