import type { Options } from 'tsup';

export declare function residualTsupConfig(overrides?: Options): Options | Options[];
