const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const DATA = Buffer.from("data");

/**
 * Incremental Server-Sent Events parser over raw Buffers. Lines are found with indexOf on
 * bytes and only complete lines are decoded, so a UTF-8 character or an event split across
 * TCP reads is reassembled without per-byte string concatenation. Accepts LF and CRLF line
 * endings; comment lines (`: keep-alive`) and fields other than `data` are skipped.
 */
export class SseEventParser {
  private pending: Buffer | null = null;
  private data: string | null = null;
  /** Comment lines seen (keep-alives), for the record and for tests. */
  comments = 0;

  constructor(private readonly onEvent: (data: string) => void) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending !== null) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let start = 0;
    const length = buf.length;
    while (start < length) {
      const lf = buf.indexOf(LF, start);
      if (lf === -1) {
        // Copy: the tail must outlive the read buffer it came in.
        this.pending = Buffer.from(buf.subarray(start));
        return;
      }
      const end = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
      this.takeLine(buf, start, end);
      start = lf + 1;
    }
  }

  /** True when bytes of an unfinished line or event are still buffered. */
  hasPartialEvent(): boolean {
    return this.pending !== null || this.data !== null;
  }

  private takeLine(buf: Buffer, start: number, end: number): void {
    if (end === start) {
      const data = this.data;
      if (data !== null) {
        this.data = null;
        this.onEvent(data);
      }
      return;
    }
    const first = buf[start];
    if (first === COLON) {
      this.comments++;
      return;
    }
    if (
      end - start >= 5 &&
      buf[start + 4] === COLON &&
      buf.compare(DATA, 0, 4, start, start + 4) === 0
    ) {
      let valueStart = start + 5;
      if (buf[valueStart] === SPACE) valueStart++;
      const value = valueStart < end ? buf.toString("utf8", valueStart, end) : "";
      this.data = this.data === null ? value : `${this.data}\n${value}`;
      return;
    }
    // `event:`, `id:`, `retry:` and unknown fields do not change what a chat stream means.
  }
}
