// The switching-set viewer (switching-viewer.ts) as a process inside a namespace, and the groups
// it reported — shared by the emulated-network tests and the ABR benchmark.
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { NetnsLink } from './netns-link.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface GroupLine {
  groupId: number;
  /** The publisher's group id (the relay's run ahead by the groups it cut mid-way). */
  sourceGroupId: number | undefined;
  rendition: number | undefined;
  bytes: number;
  cut: boolean;
  startedAtMs: number;
  endedAtMs: number;
  longestPauseMs: number;
  latenciesMs: number[];
}

export class ViewerProcess {
  readonly groups: GroupLine[] = [];
  readonly stderr: string[] = [];

  constructor(link: NetnsLink, port: number, name: string, mode: 'relay' | 'fixed' = 'relay') {
    const url = `http://${link.hostAddress}:${port}/`;
    const child = link.spawn(
      process.execPath,
      ['--import', 'tsx', 'e2e/testbed/switching-viewer.ts', url, name, mode],
      { cwd: ROOT },
    );
    createInterface({ input: child.stdout! }).on('line', (line) =>
      this.groups.push(JSON.parse(line) as GroupLine),
    );
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderr.push(line));
  }

  /** The group that carries the publisher's group `sourceGroupId` (whole, if one did). */
  group(sourceGroupId: number): GroupLine | undefined {
    const carrying = this.groups.filter((g) => g.sourceGroupId === sourceGroupId);
    return carrying.find((g) => !g.cut) ?? carrying[0];
  }

  /** One line: each group as id(publisher's id):rendition (x = cut), then the last of stderr. */
  describe(): string {
    const groups = this.groups.map(
      (g) => `${g.groupId}(${g.sourceGroupId})${g.cut ? 'x' : (g.rendition ?? '?')}`,
    );
    return `${groups.join(' ')}\n${this.stderr.slice(-5).join('\n')}`;
  }
}
