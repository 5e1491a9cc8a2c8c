import { mount } from 'svelte';
import App from './App.svelte';
import './theme.css';
import './presenter.css';
import { applyInitialLocale } from './i18n/locale.svelte';

applyInitialLocale();

const target = document.getElementById('app')!;
// ?view=gallery shows every viz component with made-up data (loaded on demand, not part of the lab's bundle).
if (new URLSearchParams(location.search).get('view') === 'gallery') void import('./Gallery.svelte').then(({ default: Gallery }) => mount(Gallery, { target }));
else mount(App, { target });
