/**
 * The subset of TensorBoard's `Event` and `Summary` protobufs that gclip writes, encoded
 * with protobufjs. Field numbers are those of `tensorboard/compat/proto/event.proto`,
 * `summary.proto` and `histogram.proto` (proto3, package `tensorboard`). Field names here
 * are camelCase; names never reach the wire.
 *
 * `test/tensorboard/tensorboard_subset.proto` restates the same messages by hand for the
 * independent Python decoder, deliberately not generated from this file.
 */
import protobuf from 'protobufjs';

const descriptor = {
  nested: {
    tensorboard: {
      nested: {
        HistogramProto: {
          fields: {
            min: { type: 'double', id: 1 },
            max: { type: 'double', id: 2 },
            num: { type: 'double', id: 3 },
            sum: { type: 'double', id: 4 },
            sumSquares: { type: 'double', id: 5 },
            bucketLimit: { rule: 'repeated', type: 'double', id: 6, options: { packed: true } },
            bucket: { rule: 'repeated', type: 'double', id: 7, options: { packed: true } },
          },
        },
        Value: {
          oneofs: { value: { oneof: ['simpleValue', 'histo'] } },
          fields: {
            tag: { type: 'string', id: 1 },
            simpleValue: { type: 'float', id: 2 },
            histo: { type: 'HistogramProto', id: 5 },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
        },
        SourceMetadata: {
          fields: { writer: { type: 'string', id: 1 } },
        },
        Event: {
          oneofs: { what: { oneof: ['fileVersion', 'summary'] } },
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            fileVersion: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
            sourceMetadata: { type: 'SourceMetadata', id: 10 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
const EventType = root.lookupType('tensorboard.Event');

/**
 * TensorBoard's `HistogramProto`. Bucket `i` counts values in
 * `[bucketLimit[i-1], bucketLimit[i])`, the first bucket starting at −DBL_MAX.
 */
export interface TbHistogram {
  readonly min: number;
  readonly max: number;
  readonly num: number;
  readonly sum: number;
  readonly sumSquares: number;
  readonly bucketLimit: readonly number[];
  readonly bucket: readonly number[];
}

/** One `Summary.Value`: a tag with either a float32 scalar or a histogram. */
export type TbValue =
  | { readonly tag: string; readonly simpleValue: number }
  | { readonly tag: string; readonly histo: TbHistogram };

/** One `Event`: either the file-version header or a summary, at a step and wall time. */
export interface TbEvent {
  /** Seconds since the Unix epoch (a double: fractions carry milliseconds). */
  readonly wallTime: number;
  /** Global step; must be a safe integer (written as int64). */
  readonly step: number;
  readonly fileVersion?: string;
  /** Name of the writing library; TensorFlow sets it on the first event only. */
  readonly sourceWriter?: string;
  readonly summary?: { readonly value: readonly TbValue[] };
}

/**
 * Serialises an event to protobuf wire bytes (without TFRecord framing).
 * A `simpleValue` of 0 is still written: it sits in a proto3 oneof, so presence counts
 * and TensorBoard checks `HasField('simple_value')`. NaN and ±Infinity are written as
 * their IEEE float32 bit patterns.
 */
export function encodeEvent(event: TbEvent): Uint8Array {
  const { sourceWriter, ...rest } = event;
  const message = sourceWriter === undefined ? rest : { ...rest, sourceMetadata: { writer: sourceWriter } };
  return EventType.encode(EventType.fromObject(message)).finish();
}

/**
 * Parses protobuf wire bytes into a `TbEvent` (the inverse of `encodeEvent` for the
 * fields gclip writes; unknown fields are skipped). Scalars come back as float32-rounded
 * doubles. Throws protobufjs's error on malformed input.
 */
export function decodeEvent(bytes: Uint8Array): TbEvent {
  const raw = EventType.toObject(EventType.decode(bytes), { longs: Number, arrays: true }) as {
    wallTime?: number;
    step?: number;
    fileVersion?: string;
    sourceMetadata?: { writer?: string };
    summary?: { value: RawValue[] };
  };
  return {
    wallTime: raw.wallTime ?? 0,
    step: raw.step ?? 0,
    ...(raw.fileVersion !== undefined && { fileVersion: raw.fileVersion }),
    ...(raw.sourceMetadata?.writer !== undefined && { sourceWriter: raw.sourceMetadata.writer }),
    ...(raw.summary !== undefined && { summary: { value: raw.summary.value.map(normaliseValue) } }),
  };
}

/** A decoded `Summary.Value` before proto3 defaults are filled in. */
interface RawValue {
  tag?: string;
  simpleValue?: number;
  histo?: Partial<TbHistogram>;
}

/** Fills proto3 defaults that the decoder leaves out (zero doubles, empty tag). */
function normaliseValue(v: RawValue): TbValue {
  const tag = v.tag ?? '';
  if (v.histo === undefined) return { tag, simpleValue: v.simpleValue ?? 0 };
  const h = v.histo;
  return {
    tag,
    histo: {
      min: h.min ?? 0,
      max: h.max ?? 0,
      num: h.num ?? 0,
      sum: h.sum ?? 0,
      sumSquares: h.sumSquares ?? 0,
      bucketLimit: h.bucketLimit ?? [],
      bucket: h.bucket ?? [],
    },
  };
}
