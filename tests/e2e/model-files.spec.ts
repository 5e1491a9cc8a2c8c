import { readFileSync } from 'node:fs';
import { test, expect, openLab } from './fixtures';

const dir = 'public/models/mnist-cnn';
const modelJson = JSON.parse(readFileSync(`${dir}/model.json`, 'utf8')) as { weightsManifest: { paths: string[]; weights: unknown[] }[] };
const weights = readFileSync(`${dir}/group1-shard1of1.bin`);

/** The demo re-saved as three shards (listed in the manifest), handed over in shuffled order. */
function threeShards() {
  const cut = [0, Math.floor(weights.length / 3 / 4) * 4, Math.floor((2 * weights.length) / 3 / 4) * 4, weights.length];
  const names = ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'];
  const json = { ...modelJson, weightsManifest: [{ ...modelJson.weightsManifest[0], paths: names }] };
  const shards = names.map((name, i) => ({ name, mimeType: 'application/octet-stream', buffer: weights.subarray(cut[i], cut[i + 1]) }));
  return { json, files: [shards[2], { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) }, shards[0], shards[1]] };
}

test('dropping a multi-shard model shows its blocks; it is saved in the browser', async ({ page }) => {
  await openLab(page, '?backend=cpu&model=none');
  const { files } = threeShards();
  await page.getByTestId('model-drop-input').setInputFiles(files);
  const summary = page.getByTestId('model-summary');
  await expect(summary).toContainText('4 blocks');
  await expect(page.getByTestId('model-facts')).toContainText('group1-shard1of3.bin, group1-shard2of3.bin, group1-shard3of3.bin');
  await expect(page.getByTestId('block-diagram').locator('g.block')).toHaveCount(4);
  // Select a block and look inside it.
  await page.getByTestId('block-diagram').locator('g.block').nth(1).click();
  await page.getByTestId('expand-block').click();
  await expect(page.getByTestId('block-diagram')).toContainText('unit2_conv');
  await expect(page.getByText('Saved in this browser:')).toBeVisible();
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('a broken model is refused with the file, the field and the fix', async ({ page }) => {
  await openLab(page, '?backend=cpu&model=none');
  const { files } = threeShards();
  // Leave out the second shard.
  await page.getByTestId('model-drop-input').setInputFiles(files.filter((f) => f.name !== 'group1-shard2of3.bin'));
  const error = page.getByTestId('error');
  await expect(error).toContainText('The weight file group1-shard2of3.bin listed in model.json is missing');
  await expect(error).toContainText('File: group1-shard2of3.bin');
  await expect(error).toContainText('Field: weightsManifest[0].paths[1]');
  await expect(error).toContainText('How to fix: Add group1-shard2of3.bin');
  await page.getByRole('button', { name: 'Dismiss this message' }).click();
  // A truncated model.json: the page stays alive and says so.
  const text = JSON.stringify(modelJson);
  await page.getByTestId('model-drop-input').setInputFiles([{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(text.slice(0, text.length / 2)) }, { name: 'group1-shard1of1.bin', mimeType: 'application/octet-stream', buffer: weights }]);
  await expect(error).toContainText('model.json is truncated');
  await expect(error).toContainText('Field: (file)');
  await expect(page.getByTestId('model-summary')).toHaveCount(0);
});
