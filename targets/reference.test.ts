/**
 * The reference targets: seed 002's own launches of its Python systems. Each is labelled as the
 * seed's setup in everything that prints a target, runs the same code as our target of the system
 * (only its launch script differs), declares only the family the seed measured, and launches with
 * the seed's flags. The seed text is read from shared/seeds/ beside the repository where it is.
 */
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, targetByName, targets } from './table.ts';

const SEEDS = process.env.GAUNTLET_SEEDS ?? join(ROOT, '..', 'shared', 'seeds');
const seed002 = existsSync(SEEDS) ? readdirSync(SEEDS).find((f) => f.startsWith('002_')) : undefined;
const noSeed = seed002 ? false : `no seed 002 text at ${SEEDS}`;

const references = targets.filter((t) => t.reference);
/** The launch script of a target run as `bash <script>`. */
const script = (name: string) => targetByName(name).command[1]!;

describe('reference targets', () => {
  it("are seed 002's two Python systems, each labelled as the seed's setup, not ours", () => {
    assert.deepEqual(references.map((t) => t.name), ['django-seed002', 'starlette-seed002']);
    for (const t of references) {
      assert.match(t.reference!, /^seed 002: /, t.name);
      assert.match(t.description, /^seed 002's setup, not ours: /, t.name);
      assert.match(t.settings.reference ?? '', /seed 002's setup, not ours.*one-worker rule/, t.name);
      assert.equal(t.quick, undefined, `${t.name} stays out of the quick run`);
    }
  });

  it('run the code of our target of the same system, launched by a script of their own beside it', () => {
    for (const [reference, ours] of [['django-seed002', 'django'], ['starlette-seed002', 'starlette']] as const) {
      const r = targetByName(reference), o = targetByName(ours);
      assert.deepEqual(r.build, o.build, `${reference} builds as ${ours}`);
      assert.equal(r.command[0], 'bash');
      const path = join(ROOT, script(reference));
      assert.equal(path.replace(/serve-seed002\.sh$/, 'serve.sh'), join(ROOT, script(ours)));
      accessSync(path, constants.X_OK);
    }
  });

  it('declare only the family of the endpoint the seed measured (db-recipes)', () => {
    for (const t of references) assert.deepEqual(t.families, ['db'], t.name);
  });

  it("launch with the seed's worker counts and classes, and its logging", () => {
    const django = readFileSync(join(ROOT, script('django-seed002')), 'utf8');
    assert.match(django, /^\s+-w 5 \\$/m);
    assert.doesNotMatch(django, /^\s+(-k|--worker-class|--threads)\b/m, "gunicorn's default (sync) workers");
    const starlette = readFileSync(join(ROOT, script('starlette-seed002')), 'utf8');
    assert.match(starlette, /^\s+-w 2 \\$/m);
    assert.match(starlette, /^\s+-k uvicorn\.workers\.UvicornWorker \\$/m);
    for (const text of [django, starlette]) {
      for (
        const flag of ['--access-logfile -', '--error-logfile -', '--capture-output', '--enable-stdio-inheritance']
      ) {
        assert.ok(text.includes(`  ${flag} \\\n`), flag);
      }
    }
  });

  it("log in the seed's access-log format, verbatim", { skip: noSeed }, () => {
    const text = readFileSync(join(SEEDS, seed002!), 'utf8');
    const format = /--access-logformat '([^']+)'/.exec(text)?.[1];
    assert.ok(format, 'the seed gives an access-log format');
    for (const name of ['django-seed002', 'starlette-seed002']) {
      assert.ok(readFileSync(join(ROOT, script(name)), 'utf8').includes(`--access-logformat '${format}'`), name);
    }
  });

  it("say that sync workers close their connections (the conformance suite's keep-alive case is not run there)", () => {
    assert.match(targetByName('django-seed002').closesConnections ?? '', /sync workers/);
    assert.equal(targetByName('starlette-seed002').closesConnections, undefined, 'uvicorn keeps connections alive');
    assert.deepEqual(targets.filter((t) => t.closesConnections).map((t) => t.name), ['django-seed002']);
  });
});
