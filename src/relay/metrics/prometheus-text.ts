/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests and tools that
 * check what /metrics serves: every line must be a comment, blank, or a well-formed sample of a
 * family declared by `# TYPE` before it.
 */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: string;
  help: string;
  samples: PromSample[];
}

export class PrometheusTextError extends Error {
  override readonly name = 'PrometheusTextError';
  readonly code = 'MALFORMED_EXPOSITION';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const at = index + 1;
    const line = raw.trimEnd();
    if (line === '') return;
    if (line.startsWith('#')) return comment(line, at, families);
    const sample = parseSample(line, at);
    const family = familyOf(sample.name, families);
    if (!family) throw new PrometheusTextError(at, `sample ${sample.name} has no # TYPE before it`);
    family.samples.push(sample);
  });
  return families;
}

function comment(line: string, at: number, families: Map<string, PromFamily>): void {
  const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
  if (!match) return; // other comments are allowed
  const [, kind, name = '', rest = ''] = match;
  if (!NAME.test(name)) throw new PrometheusTextError(at, `bad metric name ${name}`);
  const family = families.get(name) ?? { name, type: 'untyped', help: '', samples: [] };
  if (kind === 'TYPE') {
    if (!TYPES.has(rest)) throw new PrometheusTextError(at, `bad type ${rest}`);
    if (family.samples.length > 0) throw new PrometheusTextError(at, `TYPE after samples`);
    family.type = rest;
  } else {
    family.help = rest;
  }
  families.set(name, family);
}

function familyOf(sampleName: string, families: Map<string, PromFamily>): PromFamily | undefined {
  const exact = families.get(sampleName);
  if (exact && !(exact.type in SUFFIXES)) return exact;
  for (const family of families.values()) {
    for (const suffix of SUFFIXES[family.type] ?? []) {
      if (sampleName === family.name + suffix) return family;
    }
  }
  return undefined;
}

function parseSample(line: string, at: number): PromSample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/.exec(line);
  if (!match) throw new PrometheusTextError(at, `not a sample: ${line}`);
  const [, name = '', , labelText, valueText = ''] = match;
  return { name, labels: parseLabels(labelText ?? '', at), value: parseValue(valueText, at) };
}

function parseLabels(text: string, at: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const match = /^([^=\s]+)="((?:[^"\\]|\\.)*)"(,|$)/.exec(rest);
    if (!match) throw new PrometheusTextError(at, `bad labels: {${text}}`);
    const [whole, name = '', value = ''] = match;
    if (!LABEL_NAME.test(name)) throw new PrometheusTextError(at, `bad label name ${name}`);
    if (name in labels) throw new PrometheusTextError(at, `label ${name} twice`);
    labels[name] = value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(whole.length);
  }
  return labels;
}

function parseValue(text: string, at: number): number {
  // Prometheus reads values with Go's ParseFloat: NaN and Inf in any letter case.
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const value = Number(text);
  if (!Number.isFinite(value) || !/^[-+]?[0-9.eE+-]+$/.test(text)) {
    throw new PrometheusTextError(at, `bad value ${text}`);
  }
  return value;
}
