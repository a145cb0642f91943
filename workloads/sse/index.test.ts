import { runInProcess } from '../../test/in-process.ts';
import { cases } from './conformance.ts';

runInProcess('sse (in-process)', cases);
