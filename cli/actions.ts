// The frame of every `export-guard <command> <action> [--option value]`: --help, options read by
// node:util parseArgs (so --x=v works), one action, and two ways to fail with exit status 2: a
// usage error, told with the command's help, and a failure the command names (a bad file).
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export interface Invocation<Option extends string> {
  action: string | undefined;
  values: Partial<Record<Option, string>>;
  /** The option's value, or a usage error that names the option the action needs. */
  need(value: string | undefined, option: Option): string;
}

export interface ActionCommand<Option extends string> {
  name: string;
  help: string;
  options: readonly Option[];
  /** Errors that are the command's own failures (exit 2, no help); anything else is a bug and is thrown. */
  isFailure(error: unknown): boolean;
  act(call: Invocation<Option>): Promise<number> | number;
}

export async function runActions<Option extends string>(command: ActionCommand<Option>, argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: Object.fromEntries(command.options.map((option) => [option, { type: 'string' as const }])),
    });
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const need = (value: string | undefined, option: Option): string => {
      if (!value?.trim()) throw new UsageError(`${action ?? 'this action'} needs --${option}`);
      return value;
    };
    return await command.act({ action, values: values as Partial<Record<Option, string>>, need });
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage && !command.isFailure(error)) throw error;
    console.error(`export-guard ${command.name}: ${(error as Error).message}${usage ? `\n\n${command.help}` : ''}`);
    return 2;
  }
}
