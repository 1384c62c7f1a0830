export type StartupProblem = { "kind": "already_running", dataDir: string, };
