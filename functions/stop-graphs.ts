// Placeholder until the run is wired in (issue 4).
export const handler = async (): Promise<{ ok: boolean }> => ({ ok: true });
