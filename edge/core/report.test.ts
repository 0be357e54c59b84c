import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContractError } from './manifest.ts';
import { parseReport } from './report.ts';

const shipped = (id: string) => JSON.parse(readFileSync(new URL(`../../models/${id}/report.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('report.json contract', () => {
  it.each(['digits', 'faces'])('accepts the shipped %s report and keeps its figures', (id) => {
    const raw = shipped(id);
    const report = parseReport(raw);
    expect(report.id).toBe(id);
    expect(report.validation.model.mse).toBe((raw.validation as { model: { mse: number } }).model.mse);
    expect(Object.keys(report.attributes).length).toBeGreaterThan(0);
  });

  it('names every field that breaks the contract', () => {
    const raw = shipped('digits');
    const broken = { ...raw, codeSize: -1, validation: { ...(raw.validation as object), model: { mse: 'low', psnr: 1 } } };
    const error = (() => {
      try {
        parseReport(broken);
      } catch (caught) {
        return caught as ContractError;
      }
    })();
    expect(error).toBeInstanceOf(ContractError);
    expect(error?.problems.join('\n')).toMatch(/codeSize/);
    expect(error?.problems.join('\n')).toMatch(/validation\.model\.mse/);
  });

  it('drops figures it does not know, so older readers accept newer reports', () => {
    const report = parseReport({ ...shipped('digits'), sampleQuality: { kid: 0.01 } });
    expect('sampleQuality' in report).toBe(false);
  });
});
