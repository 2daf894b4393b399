// Types for check-node.js, which stays plain JavaScript so that it runs on the old Node it refuses.
export function nodeVersionProblem(version: string, engines: string | undefined, recommended?: string): string | undefined;
export function currentNodeProblem(): string | undefined;
export function exitUnlessSupportedNode(): void;
