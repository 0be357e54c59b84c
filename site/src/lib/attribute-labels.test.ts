import { describe, expect, it } from 'vitest';
import { attributeLabel, groupedAttributes } from './attribute-labels.ts';

describe('attribute labels for people', () => {
  it('names directions, flipping the labels that read backwards', () => {
    expect(attributeLabel('Young')).toMatchObject({ label: 'Older', sign: -1, group: 'Face' });
    expect(attributeLabel('No_Beard')).toMatchObject({ label: 'Add beard', sign: -1 });
    expect(attributeLabel('Mustache')).toMatchObject({ label: 'Add mustache', sign: 1, group: 'Facial hair' });
    expect(attributeLabel('digit_7')).toMatchObject({ label: 'More like a 7', group: 'Digit' });
    expect(attributeLabel('Round_shape')).toMatchObject({ label: 'Round shape', group: 'Other', sign: 1 });
  });

  it('groups in a fixed order, keeping the model order inside a group', () => {
    const groups = groupedAttributes(['Eyeglasses', 'Smiling', 'Young', 'Bald', 'Male', 'Round']);
    expect(groups.map((g) => g.group)).toEqual(['Face', 'Expression', 'Hair', 'Accessories', 'Other']);
    expect(groups[0].labels.map((l) => l.name)).toEqual(['Young', 'Male']);
  });
});
