export type InstanceProblem = { "kind": "already_running", dataDir: string, };
