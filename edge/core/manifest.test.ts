import { beforeAll, describe, expect, it } from 'vitest';
import { createFixtureModel, type FixtureModel } from '../../train/testing/fixture-model.ts';
import { ContractError, parseAttributes, parseManifest } from './manifest.ts';

let fixture: FixtureModel;
beforeAll(async () => {
  fixture = await createFixtureModel();
});

// Tests break manifests on purpose, field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mutable = Record<string, any>;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const problemsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error.problems.join('\n');
    throw error;
  }
  return '';
};

describe('manifest schema', () => {
  it('accepts a well-formed manifest', () => {
    expect(parseManifest(clone(fixture.manifest)).latent.dim).toBe(8);
  });

  it('names each cross-field inconsistency', () => {
    const m = clone(fixture.manifest) as Mutable;
    m.latent.mean.pop();
    m.latent.covariance = [1, 2, 3];
    m.input.preprocess.grayscale = true;
    m.files.encoder.sha256 = 'XYZ';
    m.files.decoder.path = '../../etc/passwd';
    m.input.preprocess.crop = { kind: 'box', left: 0.5, top: 0, width: 0.8, height: 1 };
    const problems = problemsOf(() => parseManifest(m));
    expect(problems).toMatch(/latent\.mean: has 7 values, latent\.dim is 8/);
    expect(problems).toMatch(/latent\.covariance: has 3 values, dim\*dim is 64/);
    expect(problems).toMatch(/grayscale: must be true exactly when input\.channels is 1/);
    expect(problems).toMatch(/files\.encoder\.sha256/);
    expect(problems).toMatch(/files\.decoder\.path: file path must stay inside/);
    expect(problems).toMatch(/crop.*inside the image/);
  });

  it('accepts a sampling mixture of consistent sizes and names what is wrong with a broken one', () => {
    const m = clone(fixture.manifest) as Mutable;
    const identity = Array.from({ length: 8 }, (_, i) => Array.from({ length: i + 1 }, (_, j) => (i === j ? 1 : 0))).flat();
    m.latent.mixture = { weights: [0.25, 0.75], means: Array(16).fill(0), lowers: [...identity, ...identity] };
    expect(parseManifest(clone(m)).latent.mixture?.weights).toEqual([0.25, 0.75]);
    m.latent.mixture.weights = [0.5, 0.75];
    m.latent.mixture.means.pop();
    m.latent.mixture.lowers[2] = 0;
    const problems = problemsOf(() => parseManifest(m));
    expect(problems).toMatch(/means has 15 values, 2 components × dim 8 is 16/);
    expect(problems).toMatch(/component 0: Cholesky diagonal 1 must be > 0/);
    expect(problems).toMatch(/weights sum to 1.25, not 1/);
  });

  it('requires the three core files and schemaVersion 1', () => {
    const m = clone(fixture.manifest) as Mutable;
    delete m.files.attributes;
    m.schemaVersion = 2;
    const problems = problemsOf(() => parseManifest(m));
    expect(problems).toMatch(/files\.attributes/);
    expect(problems).toMatch(/schemaVersion/);
  });
});

describe('attributes schema', () => {
  it('checks vector length against latent.dim and the suggested range order', () => {
    const a = clone(fixture.attributes) as Mutable;
    a.attributes.Round.vector = [1, 2];
    a.attributes.Red.suggestedRange = [2, -2];
    expect(problemsOf(() => parseAttributes(a, fixture.manifest))).toMatch(/suggestedRange/);
    a.attributes.Red.suggestedRange = [-2, 2];
    expect(problemsOf(() => parseAttributes(a, fixture.manifest))).toMatch(/attributes\.Round\.vector: has 2 values, latent\.dim is 8/);
  });

  it('accepts the optional method and mean difference, and checks them too', () => {
    const a = clone(fixture.attributes) as Mutable;
    const dim = fixture.manifest.latent.dim;
    a.attributes.Round.method = 'partial-effect';
    a.attributes.Round.meanDifference = Array.from({ length: dim }, (_, j) => j / dim);
    expect(parseAttributes(a, fixture.manifest).attributes.Round).toMatchObject({ method: 'partial-effect', meanDifference: a.attributes.Round.meanDifference });
    a.attributes.Round.meanDifference = [1];
    a.attributes.Red.method = 'median';
    const problems = problemsOf(() => parseAttributes(a, fixture.manifest));
    expect(problems).toMatch(/attributes\.Red\.method/);
    a.attributes.Red.method = 'mean-difference';
    expect(problemsOf(() => parseAttributes(a, fixture.manifest))).toMatch(/attributes\.Round\.meanDifference: has 1 values, latent\.dim is 8/);
  });
});
