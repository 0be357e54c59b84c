/**
 * How the attributes page names the trained attribute vectors for people: a direction to move in ("Older", "Add
 * mustache") and a group, instead of the raw CelebA or MNIST label. The API and copied calls keep the raw names; a
 * label with `sign: -1` moves against its vector (CelebA's "Young" made into "Older"), so the call sends −strength.
 */
export interface AttributeLabel {
  name: string;
  /** What moving the slider right does. */
  label: string;
  /** What moving it left does, for the slider's spoken value. */
  opposite: string;
  group: string;
  sign: 1 | -1;
}

type Entry = [label: string, opposite: string, group: string, sign?: -1];

const KNOWN: Record<string, Entry> = {
  Young: ['Older', 'younger', 'Face', -1],
  Male: ['More masculine', 'more feminine', 'Face'],
  Pale_Skin: ['Paler skin', 'darker skin', 'Face'],
  Heavy_Makeup: ['Add makeup', 'less makeup', 'Face'],
  Wearing_Lipstick: ['Add lipstick', 'less lipstick', 'Face'],
  Smiling: ['Smile', 'frown', 'Expression'],
  Mouth_Slightly_Open: ['Open mouth', 'closed mouth', 'Expression'],
  Gray_Hair: ['Grey hair', 'less grey', 'Hair'],
  Blond_Hair: ['Blond hair', 'less blond', 'Hair'],
  Black_Hair: ['Black hair', 'less black', 'Hair'],
  Brown_Hair: ['Brown hair', 'less brown', 'Hair'],
  Bald: ['Bald', 'more hair', 'Hair'],
  Bangs: ['Add bangs', 'no bangs', 'Hair'],
  Mustache: ['Add mustache', 'no mustache', 'Facial hair'],
  Goatee: ['Add goatee', 'no goatee', 'Facial hair'],
  No_Beard: ['Add beard', 'clean-shaven', 'Facial hair', -1],
  Eyeglasses: ['Add glasses', 'no glasses', 'Accessories'],
  Wearing_Hat: ['Add hat', 'no hat', 'Accessories'],
  odd: ['Odd digit', 'even digit', 'Digit'],
  thickness: ['Thicker strokes', 'thinner strokes', 'Style'],
  slant: ['More slant', 'less slant', 'Style'],
};

/** Groups in the order a person looks at a face; anything else follows in the model's order. */
const GROUP_ORDER = ['Face', 'Expression', 'Hair', 'Facial hair', 'Accessories', 'Digit', 'Style'];

const humanised = (name: string) => name.replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

export function attributeLabel(name: string): AttributeLabel {
  const digit = /^digit_(\d)$/.exec(name);
  if (digit) return { name, label: `More like a ${digit[1]}`, opposite: `less like a ${digit[1]}`, group: 'Digit', sign: 1 };
  const known = KNOWN[name];
  if (!known) return { name, label: humanised(name), opposite: `less ${humanised(name).toLowerCase()}`, group: 'Other', sign: 1 };
  const [label, opposite, group, sign = 1] = known;
  return { name, label, opposite, group, sign };
}

/** The model's attributes as labelled groups, in GROUP_ORDER, each group in the model's own order. */
export function groupedAttributes(names: readonly string[]): { group: string; labels: AttributeLabel[] }[] {
  const groups = new Map<string, AttributeLabel[]>();
  for (const label of names.map(attributeLabel)) groups.set(label.group, [...(groups.get(label.group) ?? []), label]);
  const rank = (group: string) => (GROUP_ORDER.includes(group) ? GROUP_ORDER.indexOf(group) : GROUP_ORDER.length);
  return [...groups].sort(([a], [b]) => rank(a) - rank(b)).map(([group, labels]) => ({ group, labels }));
}
