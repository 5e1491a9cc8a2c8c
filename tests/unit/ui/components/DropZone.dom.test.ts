// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import DropZone from '../../../../src/ui/components/DropZone.svelte';
import type { FileRef, PickedFile } from '../../../../src/ui/files';

afterEach(cleanup);

const props = { label: 'Your model', hint: 'model.json plus weight files' };

function file(name: string, bytes: number[]): File {
  return new File([new Uint8Array(bytes)], name);
}

describe('DropZone', () => {
  it('highlights while dragging over and reads dropped files', async () => {
    const onFiles = vi.fn<(files: PickedFile[]) => void>();
    render(DropZone, { ...props, onFiles });
    const zone = screen.getByRole('region', { name: 'Your model' });
    await fireEvent.dragOver(zone);
    expect(zone.classList.contains('over')).toBe(true);
    await fireEvent.dragLeave(zone);
    expect(zone.classList.contains('over')).toBe(false);

    await fireEvent.dragOver(zone);
    await fireEvent.drop(zone, { dataTransfer: { items: [], files: [file('model.json', [123, 125])] } });
    expect(zone.classList.contains('over')).toBe(false);
    await waitFor(() => expect(onFiles).toHaveBeenCalledTimes(1));
    const [picked] = onFiles.mock.calls[0][0];
    expect(picked.name).toBe('model.json');
    expect(picked.path).toBe('model.json');
    expect([...picked.bytes]).toEqual([123, 125]);
  });

  it('ignores drops while disabled and disables its buttons', async () => {
    const onFiles = vi.fn();
    render(DropZone, { ...props, onFiles, disabled: true });
    await fireEvent.drop(screen.getByRole('region'), { dataTransfer: { items: [], files: [file('a.bin', [1])] } });
    await new Promise((r) => setTimeout(r, 0));
    expect(onFiles).not.toHaveBeenCalled();
    expect(screen.getAllByRole('button').every((b) => (b as HTMLButtonElement).disabled)).toBe(true);
  });

  it('passes files picked with the file input and offers a folder picker only when allowed', async () => {
    const onFiles = vi.fn<(files: PickedFile[]) => void>();
    const { rerender } = render(DropZone, { ...props, onFiles, accept: '.json,.bin', testId: 'model-drop' });
    const input = screen.getByTestId('model-drop-input') as HTMLInputElement;
    expect(input.accept).toBe('.json,.bin');
    expect(screen.getByTestId('model-drop-folder-input')).toBeTruthy();
    Object.defineProperty(input, 'files', { value: [file('w.bin', [1, 2, 3]), file('model.json', [])], configurable: true });
    await fireEvent.change(input);
    await waitFor(() => expect(onFiles).toHaveBeenCalledTimes(1));
    expect(onFiles.mock.calls[0][0].map((f) => [f.name, f.bytes.length])).toEqual([['w.bin', 3], ['model.json', 0]]);

    await rerender({ allowFolders: false });
    expect(screen.queryByTestId('model-drop-folder-input')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Choose a folder…' })).toBeNull();
  });

  it('with onFileRefs hands the files over unread, keeping folder paths, and an empty folder too (the receiver explains)', async () => {
    const onFileRefs = vi.fn<(files: FileRef[]) => void>();
    render(DropZone, { ...props, onFileRefs, testId: 'drift-drop' });
    const input = screen.getByTestId('drift-drop-folder-input') as HTMLInputElement;
    const png = file('1.png', [137, 80]);
    Object.defineProperty(png, 'webkitRelativePath', { value: 'my-fog/7/1.png' });
    Object.defineProperty(input, 'files', { value: [png], configurable: true });
    await fireEvent.change(input);
    await waitFor(() => expect(onFileRefs).toHaveBeenCalledTimes(1));
    expect(onFileRefs.mock.calls[0][0]).toEqual([{ path: 'my-fog/7/1.png', file: png }]);
    Object.defineProperty(input, 'files', { value: [], configurable: true });
    await fireEvent.change(input);
    await waitFor(() => expect(onFileRefs).toHaveBeenCalledTimes(2));
    expect(onFileRefs.mock.calls[1][0]).toEqual([]);
  });
});

