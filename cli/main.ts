// `export-guard <command> ...`: one file per command under cli/commands/, each returning its exit code.
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  scan: { summary: 'scan files and say whether each may be attached', load: () => import('./commands/scan.js') },
  proxy: { summary: 'run the office proxy in front of the portal', load: () => import('./commands/proxy.js') },
  icap: { summary: 'run the ICAP REQMOD service an office gateway (Squid) calls for the portal', load: () => import('./commands/icap.js') },
  users: { summary: 'add, list and remove users of the proxy; issue their tokens', load: () => import('./commands/users.js') },
  audit: { summary: 'verify the sealed audit log against its checkpoints; report; export as Logboek dataverwerkingen', load: () => import('./commands/audit.js') },
  exceptions: { summary: 'allow a wrongly blocked file by its SHA-256 in the policy file', load: () => import('./commands/exceptions.js') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['usage: export-guard <command> [options]', '', 'commands:', ...lines, '', 'Run `export-guard <command> --help` for its options.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`export-guard: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(rest);
}

process.exitCode = await main(process.argv.slice(2));
