export type UpdateProgress = { downloaded: number, total: number | null, };
