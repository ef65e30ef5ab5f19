// Module ids that aos, aoconnect and the AO docs spawn with by default. All of
// them run as this node's OS (the aos process OS on Lua 5.4): the gateway
// answers each as a Module record, and a spawn naming any of them gets it.
export const KNOWN_MODULES: { id: string; name: string }[] = [
  // aos 2.0.x `package.json` aos.module (the default of `aos <name>`, legacy and mainnet).
  { id: 'ISShJH1ij-hPPt9St5UFFr_8Ys3Kj5cyg7zrMGt7H9s', name: 'aos' },
  // aos `--sqlite` (aos.sqlite).
  { id: 'ei1VSwheQnNIG87iqlwxiQk-sWY5ikj4DFBxcpFZ-S4', name: 'aos-sqlite' },
  // hyper-aos (aos package.json hyper.module).
  { id: 'wal-fUK-YnB9Kp5mN8dgMsSqPSqiGx-0SvwFUSwpDBI', name: 'hyper-aos' },
  // Earlier aos 2.0 / 1.x modules still named by docs and tools.
  { id: 'Do_Uc2Sju_ffp6Ev0AnLVdPtot15rvMjP-a9VVaA5fM', name: 'aos-2.0.0' },
  { id: 'cNlipBptaF9JeFAf4wUmpi43EojNanIBos3EfNrEOWo', name: 'aos-1' },
  { id: 'ghSkge2sIUD_F00ym5sEimC63BDBuBrq4b5OcwxOjiw', name: 'aos-sqlite-1' },
  { id: 'qG-uo90351vUF7WPmUcObFtk7NU1isZYdPS0r2yQdKY', name: 'aolearn' },
];

export function isKnownModule(id: string): boolean {
  return KNOWN_MODULES.some((m) => m.id === id);
}
