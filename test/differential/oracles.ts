// The independent readers: SheetJS in this process, LibreOffice and Gnumeric as the receiver runs
// them. Each turns a file into the text of every sheet (csv), or says it could not open it.
// LibreOffice starts slowly, so it converts a whole batch of files in one run, with a private
// profile so that it never meets another soffice on the machine.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as XLSX from '@e965/xlsx';

export type OracleName = 'sheetjs' | 'libreoffice' | 'gnumeric';
export const ORACLES: readonly OracleName[] = ['sheetjs', 'libreoffice', 'gnumeric'];

/** The commands behind the external oracles, and what installs them. */
export const ORACLE_COMMANDS = {
  libreoffice: { command: 'soffice', apt: 'libreoffice-calc-nogui' },
  gnumeric: { command: 'ssconvert', apt: 'gnumeric' },
} as const;

export interface OracleInput {
  /** Letters and digits only: it becomes a file name that the output names start with. */
  id: string;
  bytes: Uint8Array;
  ext: string;
}

export interface Reading {
  opened: boolean;
  /** Every sheet as csv, one after another. */
  text: string;
}

const UNREADABLE: Reading = { opened: false, text: '' };

export function installed(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function readWithSheetjs(input: OracleInput): Reading {
  try {
    const book = XLSX.read(input.bytes, { type: 'array' });
    return { opened: true, text: book.SheetNames.map((name) => XLSX.utils.sheet_to_csv(book.Sheets[name]!)).join('\n') };
  } catch {
    return UNREADABLE;
  }
}

/** Every sheet of every file, in batches of soffice runs (a crash costs one batch, not the run). */
export async function readWithLibreOffice(inputs: OracleInput[], workDir: string, batchSize = 60): Promise<Map<string, Reading>> {
  const inDir = join(workDir, 'lo-in');
  const outDir = join(workDir, 'lo-out');
  mkdirSync(inDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const profile = pathToFileURL(join(workDir, 'lo-profile')).href;
  // Field separator ',', quote '"', UTF-8, ..., and -1: every sheet to its own file (LibreOffice >= 7.2).
  const filter = 'csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1';
  for (let at = 0; at < inputs.length; at += batchSize) {
    const paths = inputs.slice(at, at + batchSize).map((input) => {
      const path = join(inDir, `${input.id}.${input.ext}`);
      writeFileSync(path, input.bytes);
      return path;
    });
    await run('soffice', ['--headless', '--norestore', `-env:UserInstallation=${profile}`, '--convert-to', filter, '--outdir', outDir, ...paths], 600_000);
  }
  return collect(inputs, outDir, (id, file) => file.startsWith(`${id}-`));
}

/** ssconvert converts one file per run; it starts fast, so two run at a time. */
export async function readWithGnumeric(inputs: OracleInput[], workDir: string): Promise<Map<string, Reading>> {
  const outDir = join(workDir, 'gnumeric-out');
  await convertWithGnumeric(inputs, join(workDir, 'gnumeric-in'), outDir, (input, path) => ['-S', '-T', 'Gnumeric_stf:stf_csv', path, join(outDir, `${input.id}.%n.csv`)]);
  return collect(inputs, outDir, (id, file) => file.startsWith(`${id}.`));
}

async function convertWithGnumeric(inputs: OracleInput[], inDir: string, outDir: string, args: (input: OracleInput, path: string) => string[]): Promise<void> {
  mkdirSync(inDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const queue = [...inputs];
  const worker = async () => {
    for (let input = queue.shift(); input; input = queue.shift()) {
      const path = join(inDir, `${input.id}.${input.ext}`);
      writeFileSync(path, input.bytes);
      await run('ssconvert', args(input, path), 60_000);
    }
  };
  await Promise.all([worker(), worker()]);
}

/** The formats LibreOffice and Gnumeric write workbooks in, as the receivers' own programs save them. */
export const WRITTEN_FORMATS = ['xlsx', 'xls', 'ods'] as const;
export type WrittenFormat = (typeof WRITTEN_FORMATS)[number];

/** Each input saved again by LibreOffice or Gnumeric in each format; what a writer could not write is left out. */
export async function rewrite(inputs: OracleInput[], writer: 'libreoffice' | 'gnumeric', workDir: string): Promise<{ id: string; format: WrittenFormat; bytes: Uint8Array }[]> {
  const written: { id: string; format: WrittenFormat; bytes: Uint8Array }[] = [];
  for (const format of WRITTEN_FORMATS) {
    const outDir = join(workDir, `${writer}-${format}`);
    if (writer === 'libreoffice') {
      const inDir = join(workDir, 'rewrite-in');
      mkdirSync(inDir, { recursive: true });
      const paths = inputs.map((input) => {
        const path = join(inDir, `${input.id}.${input.ext}`);
        writeFileSync(path, input.bytes);
        return path;
      });
      const profile = pathToFileURL(join(workDir, 'lo-profile')).href;
      await run('soffice', ['--headless', '--norestore', `-env:UserInstallation=${profile}`, '--convert-to', format, '--outdir', outDir, ...paths], 600_000);
    } else {
      await convertWithGnumeric(inputs, join(workDir, 'rewrite-in'), outDir, (input, path) => [path, join(outDir, `${input.id}.${format}`)]);
    }
    for (const input of inputs) {
      try {
        written.push({ id: input.id, format, bytes: new Uint8Array(readFileSync(join(outDir, `${input.id}.${format}`))) });
      } catch {
        // Not written: the writer could not save this input in this format.
      }
    }
  }
  return written;
}

function collect(inputs: OracleInput[], outDir: string, belongs: (id: string, file: string) => boolean): Map<string, Reading> {
  const files = readdirSync(outDir).sort();
  return new Map(inputs.map((input) => {
    const own = files.filter((file) => belongs(input.id, file));
    return [input.id, own.length === 0 ? UNREADABLE : { opened: true, text: own.map((file) => readFileSync(join(outDir, file), 'utf8')).join('\n') }];
  }));
}

/** Runs a converter; its exit status does not matter, only the files it wrote. */
function run(command: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolve();
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
