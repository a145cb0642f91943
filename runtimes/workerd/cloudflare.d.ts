/** The one workerd built-in module the entry imports (no @cloudflare/workers-types in the project). */
declare module 'cloudflare:workers' {
  /** The worker's bindings, readable at module load (the config's `fromEnvironment` variables). */
  export const env: Record<string, unknown>;
}
