import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import CharModel from './components/CharModel.vue';
import ModelExplorer from './components/ModelExplorer.vue';
import PlainVsResidual from './components/PlainVsResidual.vue';
import SegmentationDemo from './components/SegmentationDemo.vue';
import './style.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('CharModel', CharModel);
    app.component('ModelExplorer', ModelExplorer);
    app.component('PlainVsResidual', PlainVsResidual);
    app.component('SegmentationDemo', SegmentationDemo);
  },
} satisfies Theme;
