// A strict reader of the Prometheus text exposition format (version 0.0.4), enough for tests:
// every line must be a sample, a HELP, a TYPE or a comment, and each family is typed once,
// before its samples.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const LABELS = `\\{(?:${LABEL_NAME}=${LABEL_VALUE}(?:,${LABEL_NAME}=${LABEL_VALUE})*,?)?\\}`;
const VALUE = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[-+]?[iI][nN][fF]|[nN][aA][nN]';
const SAMPLE = new RegExp(`^(${NAME})(${LABELS})? (${VALUE})(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME})(?: (.*))?$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL = new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'g');
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
  counter: ['_total'],
};

function unescape(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(["\\n])/g, (_match, char: string) => (char === 'n' ? '\n' : char));
}

function parseValue(raw: string): number {
  if (/^[-+]?inf$/i.test(raw)) return raw.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(raw)) return NaN;
  return Number(raw);
}

export function parseExposition(text: string): Family[] {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, Family>();
  const sampled = new Set<string>();
  const familyOf = (sampleName: string): Family => {
    const exact = families.get(sampleName);
    if (exact) return exact;
    for (const candidate of families.values()) {
      if ((SUFFIXES[candidate.type] ?? []).some((suffix) => sampleName === `${candidate.name}${suffix}`))
        return candidate;
    }
    const untyped: Family = { name: sampleName, type: 'untyped', help: '', samples: [] };
    families.set(sampleName, untyped);
    return untyped;
  };
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const where = `line ${index + 1}: ${line}`;
      if (line === '') return;
      const type = TYPE.exec(line);
      if (type) {
        const name = type[1]!;
        if (families.get(name)?.type !== undefined && families.get(name)!.type !== 'pending')
          throw new Error(`TYPE given twice, ${where}`);
        if (sampled.has(name)) throw new Error(`TYPE after samples, ${where}`);
        const help = families.get(name)?.help ?? '';
        families.set(name, { name, type: type[2]!, help, samples: [] });
        return;
      }
      const help = HELP.exec(line);
      if (help) {
        const existing = families.get(help[1]!);
        if (existing) existing.help = help[2] ?? '';
        else families.set(help[1]!, { name: help[1]!, type: 'pending', help: help[2] ?? '', samples: [] });
        return;
      }
      if (line.startsWith('#')) {
        if (line.startsWith('# HELP') || line.startsWith('# TYPE')) throw new Error(`malformed, ${where}`);
        return;
      }
      const sample = SAMPLE.exec(line);
      if (!sample) throw new Error(`not a valid sample, ${where}`);
      const labels: Record<string, string> = {};
      for (const match of (sample[2] ?? '').matchAll(LABEL)) labels[match[1]!] = unescape(match[2]!);
      const owner = familyOf(sample[1]!);
      sampled.add(owner.name);
      owner.samples.push({ name: sample[1]!, labels, value: parseValue(sample[3]!) });
    });
  return [...families.values()].filter(
    (candidate) => candidate.type !== 'pending' || candidate.samples.length,
  );
}

export function family(families: Family[], name: string): Family | undefined {
  return families.find((candidate) => candidate.name === name);
}

/** The value of the first sample called `name` whose labels include `labels`. */
export function sampleValue(
  families: Family[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const candidate of families) {
    const sample = candidate.samples.find(
      (entry) =>
        entry.name === name && Object.entries(labels).every(([key, value]) => entry.labels[key] === value),
    );
    if (sample) return sample.value;
  }
  return undefined;
}
