import { runInProcess } from '../../test/in-process.ts';
import { cases } from './conformance.ts';

runInProcess('path (in-process)', cases);
