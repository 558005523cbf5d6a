/** A run file with its wall-clock fields blanked: `wallMs` in steps.jsonl, `stepsPerSec` and `runDir` in summary.json. */
export function withoutWallClock(text: string): string {
  return text
    .replace(/"wallMs":[-0-9.e+]+/g, '"wallMs":0')
    .replace(/"stepsPerSec": [-0-9.e+]+/g, '"stepsPerSec": 0')
    .replace(/"runDir": "[^"]*"/g, '"runDir": ""');
}
