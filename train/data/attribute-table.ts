/** Per-image binary attributes read from a table file, rows keyed by image file name. */
export interface AttributeTable {
  file: string;
  names: string[];
  /** Image file name -> one ±1 value per attribute name. */
  rows: Map<string, Int8Array>;
}

const fail = (file: string, line: number, message: string) => new Error(`${file}:${line}: ${message}`);

/** 1/-1 (CelebA), 1/0 and true/false all mean present/absent. */
function parseFlag(text: string, file: string, line: number, column: string): 1 | -1 {
  switch (text.trim().toLowerCase()) {
    case '1':
    case 'true':
      return 1;
    case '-1':
    case '0':
    case 'false':
      return -1;
    default:
      throw fail(file, line, `attribute ${column} has value ${JSON.stringify(text)}; expected 1/-1, 1/0 or true/false`);
  }
}

function addRow(table: AttributeTable, line: number, fileName: string, values: string[]): void {
  if (!fileName) throw fail(table.file, line, 'row has no image file name');
  if (table.rows.has(fileName)) throw fail(table.file, line, `image ${fileName} appears twice`);
  if (values.length !== table.names.length) {
    throw fail(table.file, line, `row for ${fileName} has ${values.length} attribute values, the header names ${table.names.length}`);
  }
  table.rows.set(fileName, Int8Array.from(values, (v, k) => parseFlag(v, table.file, line, table.names[k])));
}

function checkNames(names: string[], file: string, line: number): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw fail(file, line, `attribute name ${JSON.stringify(name)} must be 1-64 letters, digits, "_" or "-"`);
    if (seen.has(name)) throw fail(file, line, `attribute ${name} is named twice`);
    seen.add(name);
  }
  if (names.length === 0) throw fail(file, line, 'no attribute names');
}

/**
 * CelebA's list_attr_celeba.txt: line 1 the row count, line 2 the attribute names, then
 * `file.jpg v1 v2 ...` per image, whitespace-separated.
 */
export function parseCelebaAttributes(text: string, file: string): AttributeTable {
  const lines = text.split(/\r?\n/);
  const declared = Number(lines[0]?.trim());
  if (!Number.isInteger(declared) || declared < 0) throw fail(file, 1, `expected the row count, found ${JSON.stringify(lines[0] ?? '')}`);
  const names = (lines[1] ?? '').trim().split(/\s+/).filter(Boolean);
  checkNames(names, file, 2);
  const table: AttributeTable = { file, names, rows: new Map() };
  for (let i = 2; i < lines.length; i++) {
    const fields = lines[i].trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    addRow(table, i + 1, fields[0], fields.slice(1));
  }
  if (table.rows.size !== declared) throw fail(file, 1, `declares ${declared} rows but has ${table.rows.size}`);
  return table;
}

const FILE_COLUMNS = ['filename', 'file', 'image', 'image_id', 'path'];

/** Splits one CSV record; quoted fields may hold commas and doubled quotes (no embedded newlines). */
function splitCsvLine(line: string, file: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  if (quoted) throw fail(file, lineNumber, 'unterminated quoted field');
  fields.push(field.trim());
  return fields;
}

/** A CSV with a header: one file-name column (filename, file, image, image_id or path) and attribute columns. */
export function parseCsvAttributes(text: string, file: string): AttributeTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '', file, 1);
  const fileColumn = header.findIndex((h) => FILE_COLUMNS.includes(h.toLowerCase()));
  if (fileColumn < 0) throw fail(file, 1, `no file-name column; name one of ${FILE_COLUMNS.join(', ')}`);
  const names = header.filter((_, k) => k !== fileColumn);
  checkNames(names, file, 1);
  const table: AttributeTable = { file, names, rows: new Map() };
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const fields = splitCsvLine(lines[i], file, i + 1);
    if (fields.length !== header.length) throw fail(file, i + 1, `has ${fields.length} fields, the header has ${header.length}`);
    addRow(table, i + 1, fields[fileColumn], fields.filter((_, k) => k !== fileColumn));
  }
  return table;
}

/** Picks the parser by extension: .csv is a CSV with a header, anything else CelebA's text format. */
export function parseAttributeTable(text: string, file: string): AttributeTable {
  return file.toLowerCase().endsWith('.csv') ? parseCsvAttributes(text, file) : parseCelebaAttributes(text, file);
}
