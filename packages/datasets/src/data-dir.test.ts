import { describe, expect, it } from 'vitest';
import { DATA_DIR_ENV, defaultDataDir } from './data-dir.js';

describe('defaultDataDir', () => {
  const home = '/home/ada';

  it('is the user cache folder of each platform', () => {
    expect(defaultDataDir({ env: {}, platform: 'linux', home })).toBe(
      '/home/ada/.cache/residual/datasets',
    );
    expect(
      defaultDataDir({ env: { XDG_CACHE_HOME: '/var/cache/ada' }, platform: 'linux', home }),
    ).toBe('/var/cache/ada/residual/datasets');
    expect(defaultDataDir({ env: {}, platform: 'darwin', home: '/Users/ada' })).toBe(
      '/Users/ada/Library/Caches/residual/datasets',
    );
    expect(
      defaultDataDir({
        env: { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' },
        platform: 'win32',
        home: 'C:\\Users\\ada',
      }),
    ).toBe('C:\\Users\\ada\\AppData\\Local\\residual\\datasets');
  });

  it(`is moved by ${DATA_DIR_ENV}`, () => {
    expect(defaultDataDir({ env: { [DATA_DIR_ENV]: '/data/sets' }, platform: 'linux', home })).toBe(
      '/data/sets',
    );
    // Read from the real environment when no context is given.
    process.env[DATA_DIR_ENV] = '/from/env';
    try {
      expect(defaultDataDir()).toBe('/from/env');
    } finally {
      delete process.env[DATA_DIR_ENV];
    }
  });
});
