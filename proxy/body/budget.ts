// Bytes of request bodies held at once, across all requests: the read-body step takes from it
// and gives back when the request is answered, so many large uploads at once cannot exhaust memory.
export class BodyBudget {
  held = 0;

  constructor(readonly maxBytes: number) {}

  take(bytes: number): boolean {
    if (this.held + bytes > this.maxBytes) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held -= bytes;
  }
}
