import { describe, expect, it } from 'vitest';
import { parseAttributeTable, parseCelebaAttributes, parseCsvAttributes } from './attribute-table.ts';

describe('attribute tables', () => {
  it('reads CelebA list_attr format', () => {
    const table = parseCelebaAttributes('2\nSmiling Male\n000001.jpg  1 -1\n000002.jpg -1  1\n', 'list_attr_celeba.txt');
    expect(table.names).toEqual(['Smiling', 'Male']);
    expect(Array.from(table.rows.get('000002.jpg')!)).toEqual([-1, 1]);
  });

  it('reads a CSV with a header, any column order, 0/1 and quoted names', () => {
    const table = parseAttributeTable('Smiling,filename,Male\n1,"a,b.png",0\n0,c.png,true\n', 'attrs.csv');
    expect(table.names).toEqual(['Smiling', 'Male']);
    expect(Array.from(table.rows.get('a,b.png')!)).toEqual([1, -1]);
    expect(Array.from(table.rows.get('c.png')!)).toEqual([-1, 1]);
  });

  it('names the file, line and field of a bad table', () => {
    expect(() => parseCelebaAttributes('3\nSmiling\na.jpg 1\n', 't.txt')).toThrow(/t\.txt:1: declares 3 rows but has 1/);
    expect(() => parseCelebaAttributes('1\nSmiling Male\na.jpg 1\n', 't.txt')).toThrow(/t\.txt:3: row for a\.jpg has 1 attribute values, the header names 2/);
    expect(() => parseCsvAttributes('filename,Smiling\na.png,yes\n', 'a.csv')).toThrow(/a\.csv:2: attribute Smiling has value "yes"/);
    expect(() => parseCsvAttributes('name,Smiling\na.png,1\n', 'a.csv')).toThrow(/a\.csv:1: no file-name column/);
    expect(() => parseCsvAttributes('filename,Smiling\na.png,1\na.png,1\n', 'a.csv')).toThrow(/a\.csv:3: image a\.png appears twice/);
  });
});
