/**
 * The fixture files of a plan's endpoints, read once per VU in the init context (the only place
 * k6 allows open()).
 *
 * Paths are absolute file URLs from import.meta.resolve: k6 v1.8 resolves a relative open()
 * against the module whose init code is running (the script in workloads/, not this file) and
 * warns that this will change to the file that calls open(). An absolute URL means the same
 * under both rules, from any working directory, and inside a `k6 archive`.
 */
const WORKLOADS = import.meta.resolve('../workloads/');

/**
 * @param {import('../contract/catalogue.ts').Endpoint[]} endpoints
 */
export function loadFixtures(endpoints) {
  /** @type {Record<string, ArrayBuffer>} request bodies by endpoint id, byte for byte */
  const bodies = {};
  /** @type {Record<string, string>} expected-response files by path relative to workloads/ */
  const texts = {};
  for (const endpoint of endpoints) {
    const { request, expect } = endpoint;
    if (request.bodyFile) bodies[endpoint.id] = open(WORKLOADS + request.bodyFile, 'b');
    if (expect.kind === 'json-file') texts[expect.file] = open(WORKLOADS + expect.file);
  }
  return {
    /** @param {string} id */
    body: (id) => bodies[id],
    /** The readFixture of contract/expect.ts's mismatches(). @param {string} file */
    text: (file) => {
      const text = texts[file];
      if (text === undefined) throw new Error(`fixture ${file} was not opened in the init context`);
      return text;
    },
  };
}
