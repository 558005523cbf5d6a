/**
 * JUnit XML for `gclip check --junit FILE`: one `<testsuite>`, one `<testcase>` per
 * criterion, a `<failure>` carrying the measured value and bound for each failed one.
 * Built with xmlbuilder2, which escapes markup characters; characters XML 1.0 forbids
 * are replaced with U+FFFD. The CLI writes the string (temp file + rename).
 */
import { create } from 'xmlbuilder2';
import { neutralizeDeep } from '../guard/neutralize.js';
import type { CheckResult } from './criteria.js';
import { formatNumber } from '../format.js';
import { momentRows } from '../log/onset.js';
import { formatBound, VERDICT } from './format.js';

/** Options for `toJUnitXml`. */
export interface JUnitOptions {
  /** testsuite name; default "gclip check". */
  readonly suiteName?: string;
  /** What was judged (the log path or config), shown as a property and in classname. */
  readonly source?: string;
  /** ISO 8601 timestamp for the testsuite; omitted when not given (keeps output deterministic). */
  readonly timestamp?: string;
}

/**
 * Renders a check result as JUnit XML (the Jenkins/Surefire dialect GitHub, GitLab and
 * most CI test reporters read). tests = number of criteria, failures = failed ones,
 * errors = skipped = 0. A failure's `message` attribute is the one-line reason; its body
 * repeats the value and bound on separate lines. A warning criterion (passed, not judged)
 * carries `warning: <reason>` in its `<system-out>`.
 */
export function toJUnitXml(raw: CheckResult, rawOptions: JUnitOptions = {}): string {
  const [result, options] = [neutralizeDeep(raw), neutralizeDeep(rawOptions)];
  const failures = result.criteria.filter((c) => !c.passed).length;
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' }).ele('testsuites', {
    name: 'gclip',
    tests: String(result.criteria.length),
    failures: String(failures),
    errors: '0',
  });
  const suite = root.ele('testsuite', {
    name: options.suiteName ?? 'gclip check',
    tests: String(result.criteria.length),
    failures: String(failures),
    errors: '0',
    skipped: '0',
    time: '0',
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
  const props = suite.ele('properties');
  props.ele('property', { name: 'steps', value: String(result.steps) });
  if (options.source) props.ele('property', { name: 'source', value: options.source });
  // The run's moments, worded as every other surface words them (log/onset).
  for (const [name, value] of momentRows(result)) props.ele('property', { name, value });
  if (result.onset?.layer) props.ele('property', { name: 'onset_layer', value: result.onset.layer });
  for (const c of result.criteria) {
    const testcase = suite.ele('testcase', { name: c.name, classname: 'gclip.check', time: '0' });
    // JUnit has no warning state: a warning criterion passes and says why in its system-out.
    if (c.warning) testcase.ele('system-out').txt(`warning: ${c.reason}`);
    if (!c.passed) {
      const body = `${c.reason}\nmeasured: ${formatNumber(c.value, VERDICT)}\nbound: ${formatBound(c.bound)}`;
      testcase.ele('failure', { message: oneLine(c.reason), type: 'check_failed' }).txt(body);
    }
  }
  return root.end({ prettyPrint: true }) + '\n';
}

/** Attribute values are whitespace-normalised by XML parsers, so keep them on one line. */
function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}
