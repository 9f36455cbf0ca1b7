/**
 * A response body gathered from the pieces a connection hands over. The first piece is kept as
 * it came (most bodies arrive whole, and it pins at most the one socket read it is part of);
 * from the second on, the pieces are copied into one buffer that doubles as it fills. Keeping
 * each piece instead cost ~300 bytes per piece (the buffer object and its backing store): a
 * provider sending its body a byte per segment took a scan to 500 MB for 1 MiB bodies.
 */
export class BodyBuffer {
  #first: Buffer | undefined;
  #buffer: Buffer | undefined;
  #size = 0;

  /** Bytes gathered so far. */
  get size(): number {
    return this.#size;
  }

  append(piece: Buffer): void {
    const size = this.#size + piece.length;
    if (this.#buffer === undefined && this.#first === undefined) {
      this.#first = piece;
    } else {
      let buffer = this.#buffer;
      if (buffer === undefined || buffer.length < size) {
        // Not from the shared pool: a pooled slice would pin the whole 8 KiB slab it lives in.
        const grown = Buffer.allocUnsafeSlow(Math.max(size, 2 * (buffer?.length ?? 0), 1024));
        (buffer ?? this.#first)?.copy(grown, 0, 0, this.#size);
        this.#first = undefined;
        buffer = grown;
        this.#buffer = buffer;
      }
      piece.copy(buffer, this.#size);
    }
    this.#size = size;
  }

  /** The body decoded as UTF-8. */
  text(): string {
    return (this.#buffer ?? this.#first)?.toString('utf8', 0, this.#size) ?? '';
  }
}
