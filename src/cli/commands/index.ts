/** The commands of src/cli/commands/, added to the program built in main.ts. */
import type { Command } from 'commander';
import { sweepCommand } from './sweep.ts';
import { checkLayerCommand } from './checkLayer.ts';
import { reportCommand } from './report.ts';
import { taskCommand, trainCommand } from './train.ts';

export function registerCommands(program: Command): void {
  program.addCommand(sweepCommand());
  program.addCommand(checkLayerCommand());
  program.addCommand(reportCommand());
  program.addCommand(trainCommand());
  program.addCommand(taskCommand());
}
