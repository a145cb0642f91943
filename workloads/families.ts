/** Every workload family's sub-app, in the order they are mounted. */
import type { FamilyApp } from '../src/deps.ts';
import basic from './basic/index.ts';
import json from './json/index.ts';
import path from './path/index.ts';
import query from './query/index.ts';
import form from './form/index.ts';
import multipart from './multipart/index.ts';
import mixed from './mixed/index.ts';
import sse from './sse/index.ts';
import ws from './ws/index.ts';
import stress from './stress/index.ts';
import db from './db/index.ts';
import shortener from './shortener/index.ts';

/** `shortener` last: its `GET /{code}` (7 base62 characters at the root) must not shadow another route. */
export const families: FamilyApp[] = [basic, json, path, query, form, multipart, mixed, sse, ws, stress, db, shortener];
