import { describe, expect, it } from 'vitest';
import { textTable } from './format.ts';

describe('textTable', () => {
  const head = ['case', 'p', 'why'];
  const rows = [
    ['relu-masked', '0.5', 'a long free-text reason'],
    ['a', '1e-3', 'short'],
  ];

  it('pads every column to its widest cell, two spaces apart, with a rule under the head', () => {
    expect(textTable(head, rows)).toEqual([
      'case         p     why                    ',
      '-----------  ----  -----------------------',
      'relu-masked  0.5   a long free-text reason',
      'a            1e-3  short                  ',
    ]);
  });

  it('leaves the last column free and drops the rule on request', () => {
    expect(textTable(head, rows, { rule: false, padLast: false })).toEqual(['case         p     why', 'relu-masked  0.5   a long free-text reason', 'a            1e-3  short']);
  });
});
