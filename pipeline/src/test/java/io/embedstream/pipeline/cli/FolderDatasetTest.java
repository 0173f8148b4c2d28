package io.embedstream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.data.photo.PhotoObjects;
import io.embedstream.types.FitMode;
import io.embedstream.types.LabeledImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderDatasetTest {
    private static final List<String> LABELS = List.of("dog", "ant", "cat");

    @TempDir
    Path dir;

    /** 20 files a label, PNG and JPEG alternately, 80x60 photo-like scenes, plus a file that is not an image. */
    private void writeFolder() throws IOException {
        PhotoObjects gen = PhotoObjects.builder().size(80, 60).numClasses(3).seed(5).build();
        for (int k = 0; k < LABELS.size(); k++) {
            Path labelDir = Files.createDirectories(dir.resolve(LABELS.get(k)));
            for (int i = 0; i < 20; i++) {
                LabeledImage im = gen.image(3L * i + k);
                String format = i % 2 == 0 ? "png" : "jpg";
                ImageIO.write(toImage(im), format, labelDir.resolve("img" + i + "." + format.toUpperCase()).toFile());
            }
        }
        Files.writeString(dir.resolve("ant").resolve("notes.txt"), "not an image");
    }

    @Test
    void labelsAreSortedSubFolderNamesAndImagesAreFittedToTheSpec() throws IOException {
        writeFolder();
        FolderDataset folder = FolderDataset.load(FolderSpec.parse("folder:" + dir + ",size=32x24"));
        assertEquals(List.of("ant", "cat", "dog"), folder.labels());
        assertEquals(1, folder.ignoredFiles());
        LabeledDataset data = folder.data();
        assertEquals(3, data.numClasses());
        assertEquals(60, data.train().size() + data.test().size());
        assertEquals(32, data.width());
        assertEquals(24, data.height());
        assertEquals(3, data.channels());
        for (LabeledImage im : data.train()) {
            assertEquals(List.of("ant", "cat", "dog").indexOf(im.id().split("/")[0]), im.label(), im.id());
        }
        assertTrue(folder.summary().contains("3 labels in sorted order (0=ant, 1=cat, 2=dog)"), folder.summary());
        assertTrue(folder.summary().endsWith(", 1 file that is not PNG or JPEG ignored"), folder.summary());
        LabeledDataset gray = FolderDataset.load(FolderSpec.parse("folder:" + dir + ",size=16,channels=1")).data();
        assertEquals(1, gray.channels());
        assertEquals(16, gray.width());
    }

    @Test
    void foldersNamedByIntegersKeepThoseLabels() throws IOException {
        // The label header's meaning, and the folder dataset's before names were allowed: 10 is label 10, not 1.
        PhotoObjects gen = PhotoObjects.builder().size(40, 30).numClasses(3).seed(6).build();
        List<String> names = List.of("0", "2", "10");
        for (int k = 0; k < names.size(); k++) {
            Path labelDir = Files.createDirectories(dir.resolve(names.get(k)));
            for (int i = 0; i < 6; i++) {
                ImageIO.write(toImage(gen.image(3L * i + k)), "png", labelDir.resolve("img" + i + ".png").toFile());
            }
        }
        FolderDataset folder = FolderDataset.load(FolderSpec.parse("folder:" + dir + ",size=16"));
        assertTrue(folder.numbered());
        assertEquals(11, folder.data().numClasses(), "labels up to 10");
        assertEquals("10", folder.labels().get(10));
        assertEquals("", folder.labels().get(1), "no folder for label 1");
        List<LabeledImage> all = new java.util.ArrayList<>(folder.data().train());
        all.addAll(folder.data().test());
        for (LabeledImage im : all) {
            assertEquals(Integer.parseInt(im.id().split("/")[0]), im.label(), im.id());
        }
        assertTrue(folder.summary().contains("3 labels named by their values (0=0, 2=2, 10=10)"), folder.summary());
        // One name that is not a plain integer ("007") turns the whole folder to sorted names.
        Files.move(dir.resolve("2"), dir.resolve("007"));
        FolderDataset sorted = FolderDataset.load(FolderSpec.parse("folder:" + dir + ",size=16"));
        assertEquals(List.of("0", "007", "10"), sorted.labels());
    }

    @Test
    void theSplitIsDeterministicNearTheShareAndStableWhenFilesAreAdded() throws IOException {
        writeFolder();
        FolderSpec spec = FolderSpec.parse("folder:" + dir + ",test=0.25");
        LabeledDataset a = FolderDataset.load(spec).data();
        Set<String> testIds = ids(a.test());
        assertEquals(testIds, ids(FolderDataset.load(spec).data().test()));
        assertTrue(testIds.size() >= 5 && testIds.size() <= 25, testIds.size() + " of 60 in the test split");
        for (String id : testIds) {
            assertTrue(FolderDataset.split(id) < 250, id);
        }
        // More files: each old file stays where it was.
        LabeledImage extra = PhotoObjects.builder().size(40, 40).build().image(1);
        for (int i = 0; i < 10; i++) {
            ImageIO.write(toImage(extra), "png", dir.resolve("cat").resolve("new" + i + ".png").toFile());
        }
        LabeledDataset b = FolderDataset.load(spec).data();
        Set<String> newTest = ids(b.test());
        Set<String> newTrain = ids(b.train());
        assertTrue(newTest.containsAll(testIds));
        assertTrue(newTrain.containsAll(ids(a.train())));
        assertEquals(70, newTest.size() + newTrain.size());
    }

    @Test
    void anUnreadableImageFailsNamingTheFileAndTheReason() throws IOException {
        writeFolder();
        Path good = dir.resolve("cat").resolve("img0.PNG");
        byte[] bytes = Files.readAllBytes(good);
        Path bad = dir.resolve("cat").resolve("cut.png");
        Files.write(bad, Arrays.copyOf(bytes, bytes.length / 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FolderDataset.load(FolderSpec.parse("folder:" + dir)));
        assertTrue(e.getMessage().startsWith("cannot read image file " + bad + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("PNG"), e.getMessage());
    }

    @Test
    void cropTakesTheCentreOfAWideImage() throws IOException {
        // 90x30: left and right thirds black, the middle third red; cropped to a square only red remains.
        BufferedImage wide = new BufferedImage(90, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 30; x < 60; x++) {
                wide.setRGB(x, y, 0xFF0000);
            }
        }
        Files.createDirectories(dir.resolve("only"));
        ImageIO.write(wide, "png", dir.resolve("only").resolve("wide.png").toFile());
        FolderDataset crop = FolderDataset.load(FolderSpec.parse("folder:" + dir + ",size=10,fit=crop,test=0.5"));
        LabeledImage im = crop.data().train().isEmpty() ? crop.data().test().get(0) : crop.data().train().get(0);
        for (int i = 0; i < 100; i++) {
            assertEquals(255, im.pixel(i % 10, i / 10, 0));
            assertEquals(0, im.pixel(i % 10, i / 10, 1));
        }
    }

    @Test
    void badSpecificationsAndFoldersFailWithASentence() throws IOException {
        assertMessage("folder:", "names no directory");
        assertMessage("folder:/x,size=big", "folder option size=big is not a number or WxH");
        assertMessage("folder:/x,test=1", "folder test share must be between 0 and 1");
        assertMessage("folder:/x,fit=pad", "unknown fit mode 'pad'; expected stretch or crop");
        assertMessage("folder:/x,colour=1", "unknown folder option 'colour'");
        assertMessage("folder:/x,channels=2", "folder channels must be 1 or 3");
        assertMessage("folder:/x,size=0", "folder image size must be in [1, 4096]");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> FolderDataset.load(FolderSpec.parse("folder:" + dir.resolve("absent"))));
        assertEquals("folder dataset " + dir.resolve("absent") + " is not a directory", missing.getMessage());
        Files.createDirectories(dir.resolve("empty"));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> FolderDataset.load(FolderSpec.parse("folder:" + dir)));
        assertEquals("label folder " + dir.resolve("empty") + " has no PNG or JPEG files", empty.getMessage());
        assertEquals(new FolderSpec(Path.of("/p"), 96, 64, 3, 0.1, FitMode.CROP),
                FolderSpec.parse("folder:/p,size=96x64,test=0.1,fit=crop"));
    }

    private static void assertMessage(String spec, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FolderSpec.parse(spec), spec);
        assertTrue(e.getMessage().contains(expected), spec + ": " + e.getMessage());
    }

    private static Set<String> ids(List<LabeledImage> images) {
        Set<String> ids = new HashSet<>();
        images.forEach(im -> ids.add(im.id()));
        return ids;
    }

    private static BufferedImage toImage(LabeledImage im) {
        BufferedImage out = new BufferedImage(im.width(), im.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < im.height(); y++) {
            for (int x = 0; x < im.width(); x++) {
                out.setRGB(x, y, im.pixel(x, y, 0) << 16 | im.pixel(x, y, 1) << 8 | im.pixel(x, y, 2));
            }
        }
        return out;
    }
}
