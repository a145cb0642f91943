import { runInProcess } from '../../test/in-process.ts';
import { cases } from './conformance.ts';

runInProcess('multipart (in-process)', cases);
