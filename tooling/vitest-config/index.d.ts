import type { UserProjectConfigExport, UserWorkspaceConfig } from 'vitest/config';

export declare function residualVitestConfig(
  overrides?: UserProjectConfigExport,
): UserWorkspaceConfig;
