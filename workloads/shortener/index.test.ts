import { runInProcess } from '../../test/in-process.ts';
import { cases } from './conformance.ts';

runInProcess('shortener (in-process)', cases);
