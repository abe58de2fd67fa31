package a3c.gif;

import javax.imageio.IIOException;
import javax.imageio.ImageWriter;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;

/**
 * Per-frame GIF metadata in the JDK's native tree format ({@code javax_imageio_gif_image_1.0}).
 *
 * <p>Every frame gets a Graphic Control Extension with its delay; the first frame also carries the
 * NETSCAPE2.0 application extension, which browsers read once to learn that the animation loops.
 */
final class FrameMetadata {
  private static final String FORMAT = "javax_imageio_gif_image_1.0";
  // Sub-block 1 of NETSCAPE2.0, then the loop count as little-endian 16 bits; 0 means forever.
  private static final byte[] LOOP_FOREVER = {1, 0, 0};

  private FrameMetadata() {}

  /** The metadata for one frame shown for {@code delayHundredths} hundredths of a second. */
  static IIOMetadata build(ImageWriter writer, ImageTypeSpecifier type, int delayHundredths, boolean first)
      throws IIOException {
    IIOMetadata metadata = writer.getDefaultImageMetadata(type, null);
    IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(FORMAT);

    IIOMetadataNode control = child(root, "GraphicControlExtension");
    // Each frame covers the whole screen, so nothing needs restoring between frames.
    control.setAttribute("disposalMethod", "none");
    control.setAttribute("userInputFlag", "FALSE");
    control.setAttribute("transparentColorFlag", "FALSE");
    control.setAttribute("delayTime", Integer.toString(delayHundredths));
    control.setAttribute("transparentColorIndex", "0");

    if (first) {
      IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
      loop.setAttribute("applicationID", "NETSCAPE");
      loop.setAttribute("authenticationCode", "2.0");
      loop.setUserObject(LOOP_FOREVER.clone());
      child(root, "ApplicationExtensions").appendChild(loop);
    }
    try {
      metadata.setFromTree(FORMAT, root);
    } catch (IIOInvalidTreeException e) {
      throw new IIOException("the JDK's GIF writer rejected the frame metadata: " + e.getMessage(), e);
    }
    return metadata;
  }

  /** The named child of root, appended first when the default tree lacks it. */
  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int i = 0; i < root.getLength(); i++) {
      if (root.item(i).getNodeName().equals(name)) {
        return (IIOMetadataNode) root.item(i);
      }
    }
    IIOMetadataNode node = new IIOMetadataNode(name);
    root.appendChild(node);
    return node;
  }
}
