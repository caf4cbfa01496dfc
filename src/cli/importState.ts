import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Kind } from '../client/jsonLines.js';

/**
 * Where an interrupted import of one file stood: every line up to `line` is stored, and `prefix`
 * is the SHA-256 of those lines (number and text), so a resume checks it reads the same file.
 */
export interface ImportState {
  kind: Kind;
  line: number;
  prefix: string;
  imported: number;
  skipped: number;
}

/** The state file of an import: beside the input unless given. */
export function statePath(input: string, given: string | undefined): string {
  return given ?? `${input}.mnemo-import.json`;
}

export function readState(path: string): ImportState | null {
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as ImportState;
}

/** Replaces the state file at once (write aside, then rename): never a torn state. */
export function writeState(path: string, state: ImportState): void {
  const aside = `${path}.tmp`;
  writeFileSync(aside, JSON.stringify(state));
  renameSync(aside, path);
}

export function removeState(path: string): void {
  rmSync(path, { force: true });
}
