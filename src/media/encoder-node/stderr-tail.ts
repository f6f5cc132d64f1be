/** Keeps the last lines a process wrote to stderr, for error messages. */
export class StderrTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly maxLines: number) {}

  write(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim().length === 0) continue;
      this.lines.push(line.trimEnd());
    }
    if (this.lines.length > this.maxLines) this.lines = this.lines.slice(-this.maxLines);
    // A line with no newline yet can still grow without bound; cap what is kept of it.
    if (this.partial.length > 4096) this.partial = this.partial.slice(-4096);
  }

  text(): string {
    const tail = this.partial.trim() ? [...this.lines, this.partial.trim()] : this.lines;
    return tail.slice(-this.maxLines).join('\n');
  }
}
