/**
 * The exchange transport: the only part of a multi-device step that moves bytes between devices.
 * A collective (runtime/multi-device/collectives.ts) has every device `send` one message to every
 * device (itself included: a device's own rows go through the same path, so the byte count of a
 * step does not depend on where rows were routed), then every device `receive`s its messages in
 * source order, then `finish` ends the exchange. The interface is all a multi-host transport has
 * to implement (e.g. over MPI/NCCL-style all-to-all or sockets): the schedule already fixes who
 * sends what, in which order, and how big it is. `InProcessTransport` stages the messages in host
 * memory, double-buffered: exchange i fills one bank of staging buffers while the messages of
 * exchange i−1 stay readable in the other, so a sender never waits for the previous exchange's
 * receivers. It counts every byte it carries.
 */

/** What a transport carried so far. */
export interface TransportStats {
  /** Bytes between different devices. */
  crossDeviceBytes: number;
  /** Bytes a device sent to itself (staged like the others). */
  localBytes: number;
  messages: number;
  exchanges: number;
  /** Per exchange label: bytes between different devices. */
  readonly byLabel: Map<string, number>;
}

/** Moves the messages of one collective at a time. */
export interface ExchangeTransport {
  readonly devices: number;
  /** Stages `data` from device `from` for device `to` (copied: the sender may reuse its buffer). */
  send(from: number, to: number, data: Uint8Array): void;
  /** The message `from` staged for `to` in the current exchange. */
  receive(to: number, from: number): Uint8Array;
  /** Ends the current exchange (labelled for the statistics) and switches staging banks. */
  finish(label: string): void;
  readonly stats: TransportStats;
}

/** An in-process transport: staged copies through host memory, two banks of staging buffers. */
export class InProcessTransport implements ExchangeTransport {
  readonly stats: TransportStats = { crossDeviceBytes: 0, localBytes: 0, messages: 0, exchanges: 0, byLabel: new Map() };
  private readonly banks: [ArrayBuffer[], ArrayBuffer[]];
  private readonly staged: (Uint8Array | undefined)[];
  private bank = 0;
  private pendingCross = 0;

  constructor(readonly devices: number) {
    this.banks = [[], []];
    this.staged = new Array<Uint8Array | undefined>(devices * devices).fill(undefined);
  }

  send(from: number, to: number, data: Uint8Array): void {
    const slot = from * this.devices + to;
    if (this.staged[slot]) throw new Error(`transport: device ${from} already sent to device ${to} in this exchange`);
    const bank = this.banks[this.bank]!;
    if (!bank[slot] || bank[slot]!.byteLength < data.byteLength) bank[slot] = new ArrayBuffer(Math.max(data.byteLength, 2 * (bank[slot]?.byteLength ?? 0)));
    const copy = new Uint8Array(bank[slot]!, 0, data.byteLength);
    copy.set(data);
    this.staged[slot] = copy;
    this.stats.messages++;
    if (from === to) this.stats.localBytes += data.byteLength;
    else {
      this.stats.crossDeviceBytes += data.byteLength;
      this.pendingCross += data.byteLength;
    }
  }

  receive(to: number, from: number): Uint8Array {
    const m = this.staged[from * this.devices + to];
    if (!m) throw new Error(`transport: device ${to} expects a message from device ${from}, which sent none in this exchange`);
    return m;
  }

  finish(label: string): void {
    this.staged.fill(undefined);
    this.bank ^= 1;
    this.stats.exchanges++;
    this.stats.byLabel.set(label, (this.stats.byLabel.get(label) ?? 0) + this.pendingCross);
    this.pendingCross = 0;
  }
}
